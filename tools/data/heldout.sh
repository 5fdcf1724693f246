#!/usr/bin/env bash
# Held-out evaluation of a model on images from Debian packages that no split of the training data
# draws from (fetch-covers.sh keeps the training sources to its own list): every image file as the
# packages ship them (native formats, real camera EXIF), then a dataset the generator makes from them
# (inscription format mix, the five methods and the attacker variants on unseen covers).
#   set 8 (default): twenty-four packages that judged the second 0.12.0 candidate (the `residual` input; not shipped)
#   against 0.11.0: used once, so the next release decision needs a set 9;
#   set 7: twenty-four packages that judged the first 0.12.0 candidate (not shipped) against 0.11.0: used once;
#   set 6: twenty-four packages that chose 0.11.0 (the first with JPEG DCT-domain stego) over 0.10.0: used once;
#   set 5: twenty-two packages that chose 0.10.0 over 0.9.0: used once;
#   set 4: twelve packages scanned to choose between 0.8.0 and 0.9.0: used once;
#   set 3: sixteen packages that chose 0.8.0 over 0.7.0 and whose flags were studied: not independent;
#   sets 1 and 2: twelve and thirteen packages whose real files set the threshold since 0.8.0 (release.sh)
#   and whose figures helped choose earlier models: not independent.
# Each release decision needs a set of packages no split and no earlier set draws from.
# Usage: bash tools/data/heldout.sh [set] [model.onnx] [report.json] [scores.jsonl (every file's probability)]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
set="${1:-8}"
model="${2:-$root/packages/model/starlight.onnx}"
cd "$root"
case "$set" in
  1)
    covers="$root/.cache/heldout"; seed=11; report="${3:-$root/packages/model/heldout-set1.json}"
    pkgs=(oxygen-icon-theme pingus-data lincity-ng-data marble-data gnome-backgrounds mate-backgrounds desktop-base
          lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers plasma-workspace-wallpapers sway-backgrounds) ;;
  2)
    covers="$root/.cache/heldout2"; seed=12; report="${3:-$root/packages/model/heldout-set2.json}"
    pkgs=(elementary-xfce-icon-theme gimp-help-en opencv-doc stellarium-data nagios-images pidgin-themes scorched3d-data
          kgeography-data tuxpaint-data tuxtype-data palapeli-data lxqt-themes hugin-data) ;;
  3)
    covers="$root/.cache/heldout3"; seed=13; report="${3:-$root/packages/model/heldout-set3.json}"
    pkgs=(awstats mediawiki dokuwiki xplanet-images lxde-icon-theme imagemagick-6-doc enigma-data ktuberling-data
          gcompris-qt-data gnome-user-docs phpmyadmin cacti xscreensaver-data-extra inkscape-tutorials lgeneral-data
          wesnoth-1.16-data) ;;
  4)
    covers="$root/.cache/heldout4"; seed=14; report="${3:-$root/packages/model/heldout-set4.json}"
    pkgs=(moka-icon-theme paper-icon-theme yaru-theme-icon endless-sky-data crawl-tiles-data teeworlds-data bzflag-data
          octave-doc pysiogame xmoto-data lbreakout2-data openclipart-png) ;;
  5)
    covers="$root/.cache/heldout5"; seed=15; report="${3:-$root/packages/model/heldout-set5.json}"
    pkgs=(mate-icon-theme gnome-colors-common greybird-gtk-theme mate-backgrounds deepin-icon-theme freedroid-data berusky-data
          pioneers-data lugaru-data pangzero solarwolf xboard gnubg-data mypaint-brushes krita-data flare-game
          kdegames-card-data-kf5 netpanzer-data chromium-bsu-data pokerth-data trigger-rally-data minetest-data) ;;
  6)
    covers="$root/.cache/heldout6"; seed=16; report="${3:-$root/packages/model/heldout-set6.json}"
    pkgs=(kstars-data supertuxkart-data widelands-data freedink-data cataclysm-dda-data obsidian-icon-theme suru-icon-theme
          tuxmath-data tuxfootball kanagram gweled pinball-data freeorion-data tuxpaint-stamps-default trackballs-data kodi-data
          megaglest-data warzone2100-data debian-edu-artwork-buster debian-edu-artwork-emerald debian-edu-artwork-homeworld
          debian-edu-artwork-softwaves debian-edu-artwork-spacefun eterm) ;;
  7)
    covers="$root/.cache/heldout7"; seed=17; report="${3:-$root/packages/model/heldout-set7.json}"
    pkgs=(digikam-data rawtherapee-data fillets-ng-data faenza-icon-theme mirrormagic-data ri-li-data hex-a-hop
          kobodeluxe-data blobby-data python3-matplotlib openttd-opengfx gnome-chess numix-icon-theme tuxpuck funnyboat
          plymouth-themes xscreensaver-data fluxbox wmaker-data kdegames-mahjongg-data-kf5 gbrainy kmahjongg kbounce kdiamond) ;;
  8)
    covers="$root/.cache/heldout8"; seed=18; report="${3:-$root/packages/model/heldout-set8.json}"
    pkgs=(python3-pygame warmux-data asc-data ardentryst armagetronad-common btanks-data lordsawar-data simutrans-pak64
          holotz-castle-data caveexpress-data gpredict powermanga-data tecnoballz-data ltris amoebax-data python3-skimage
          openuniverse-common darktable scribus-data foobillardplus-data pushover-data ceferino-data performous blockattack) ;;
  *) echo "unknown held-out set: $set (1 to 8)" >&2; exit 2 ;;
esac
bash tools/data/fetch-covers.sh "$covers" "${pkgs[@]}"
[ -f "$covers.dataset/manifest.jsonl" ] || npx tsx tools/data/src/build.ts --out "$covers.dataset" --covers "$covers" --no-sample --synthetic 0 --clean 4000 --stego 4000 --seed "$seed"
npx tsx tools/data/src/heldout.ts --native "$covers" --not-in "$root/.cache/covers,$root/../shared/data/starlight-sample-clean" --dataset "$covers.dataset" --model "$model" --out "$report" ${4:+--scores "$4"}
