"""Tiny ONNX models for the model-loading and backend tests (run: /usr/bin/python3 make.py).

evidence-only.onnx: a valid Starlight model over one input (evidence, 14) with the three required
outputs, linear in the evidence; carries a starlight.spec. identity.onnx: input "x", output "y"
(not a Starlight model). no-method.onnx: evidence in, stego_logit out only.
"""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def save(name, nodes, inputs, outputs, inits, spec=None):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="starlight-tests")
    m.ir_version = 8
    if spec is not None:
        e = m.metadata_props.add()
        e.key, e.value = "starlight.spec", json.dumps(spec)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, name)


ev = helper.make_tensor_value_info("evidence", TensorProto.FLOAT, ["batch", 14])
w_st = rng.normal(size=(14, 1)).astype(np.float32)
w_st[11, 0] = 20.0  # "found" pushes the logit up
outs = [
    helper.make_tensor_value_info("stego_logit", TensorProto.FLOAT, ["batch"]),
    helper.make_tensor_value_info("method_logits", TensorProto.FLOAT, ["batch", 5]),
    helper.make_tensor_value_info("bit_order_logits", TensorProto.FLOAT, ["batch", 3]),
]
nodes = [
    helper.make_node("MatMul", ["evidence", "w_st"], ["st2"]),
    helper.make_node("Add", ["st2", "b_st"], ["st3"]),
    helper.make_node("Squeeze", ["st3", "axis1"], ["stego_logit"]),
    helper.make_node("MatMul", ["evidence", "w_m"], ["method_logits"]),
    helper.make_node("MatMul", ["evidence", "w_b"], ["bit_order_logits"]),
]
inits = [
    numpy_helper.from_array(w_st, "w_st"),
    numpy_helper.from_array(np.array([-10.0], np.float32), "b_st"),
    numpy_helper.from_array(np.array([1], np.int64), "axis1"),
    numpy_helper.from_array(rng.normal(size=(14, 5)).astype(np.float32), "w_m"),
    numpy_helper.from_array(rng.normal(size=(14, 3)).astype(np.float32), "w_b"),
]
spec = {"name": "evidence-only-test", "version": "0.0.1", "precision": "fp32", "threshold": 0.5,
        "methods": ["alpha", "palette", "lsb.rgb", "exif", "eoi"], "bit_orders": ["lsb-first", "msb-first", "none"]}
save("evidence-only.onnx", nodes, [ev], outs, inits, spec)

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])
save("identity.onnx", [helper.make_node("Identity", ["x"], ["y"])], [x], [y], [])
save("no-method.onnx", nodes[:3], [ev], outs[:1], inits[:3])
