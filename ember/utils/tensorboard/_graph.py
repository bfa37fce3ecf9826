"""A model's graph for TensorBoard's Graphs page: the ONNX exporter's trace, as a GraphDef.

Nodes are named by the module that ran them (``layer1/0/conv1/Conv_5``), so TensorBoard folds
them into one box per module. Parameters are left out: they would double the node count and
TensorBoard shows a node's inputs anyway.
"""
import io


def graph_def(model, input_to_model, verbose=False):
    import onnx
    from tensorboardX.proto.attr_value_pb2 import AttrValue
    from tensorboardX.proto.graph_pb2 import GraphDef
    from tensorboardX.proto.node_def_pb2 import NodeDef
    from tensorboardX.proto.versions_pb2 import VersionDef

    from ...onnx import export

    buf = io.BytesIO()
    export(model, input_to_model, buf, verbose=verbose)
    graph = onnx.load_from_string(buf.getvalue()).graph
    producer = {i.name: f"input/{i.name}" for i in graph.input}
    nodes = [NodeDef(name=f"input/{i.name}", op="IO Node") for i in graph.input]
    for n in graph.node:
        name = n.name.lstrip("/")
        producer.update((out, name) for out in n.output)
        attrs = ", ".join(f"{a.name}={onnx.helper.get_attribute_value(a)}" for a in n.attribute)
        nodes.append(NodeDef(name=name, op=n.op_type, input=[producer[i] for i in n.input if i in producer],
                             attr={"parameters": AttrValue(s=attrs.encode())}))
    nodes += [NodeDef(name=f"output/{o.name}", op="IO Node", input=[producer[o.name]]) for o in graph.output]
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
