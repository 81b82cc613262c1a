// The InferenceGraph as ONNX's own protobuf classes (Debian's libonnx-dev,
// libonnx_proto), serialised by protobuf: the file format is ONNX's
// definition, not a copy of it.

#include <onnx/onnx_pb.h>

#include <variant>

#include "fulcrum/core/error.hpp"
#include "fulcrum/onnx/onnx_file.hpp"

#ifndef FULCRUM_VERSION
#define FULCRUM_VERSION "unknown"
#endif

namespace fulcrum::onnx {

namespace {

namespace pb = ::onnx;

// IR version 7 is the one that goes with opset 13; readers of newer files
// read it, and older ONNX Runtimes still do.
constexpr int64_t kIrVersion = 7;

// A float tensor type [batch, width] with a named (dynamic) batch dimension.
void set_batch_type(pb::ValueInfoProto& value, const std::string& name, int64_t width) {
  value.set_name(name);
  pb::TypeProto_Tensor* tensor = value.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(pb::TensorProto_DataType_FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_param(kBatchDimension);
  tensor->mutable_shape()->add_dim()->set_dim_value(width);
}

void add_constant(pb::GraphProto& graph, const GraphConstant& constant) {
  pb::TensorProto* tensor = graph.add_initializer();
  tensor->set_name(constant.name);
  tensor->set_data_type(pb::TensorProto_DataType_FLOAT);
  for (const int64_t d : constant.shape) tensor->add_dims(d);
  // raw_data is little-endian float32, as the machines fulcrum runs on store it.
  tensor->set_raw_data(constant.values.data(), constant.values.size() * sizeof(float));
}

void add_node(pb::GraphProto& graph, const GraphNode& node) {
  pb::NodeProto* proto = graph.add_node();
  proto->set_op_type(node.op_type);
  proto->set_name(node.name);
  for (const std::string& input : node.inputs) proto->add_input(input);
  for (const std::string& output : node.outputs) proto->add_output(output);
  for (const GraphAttribute& attribute : node.attributes) {
    pb::AttributeProto* a = proto->add_attribute();
    a->set_name(attribute.name);
    if (const auto* i = std::get_if<int64_t>(&attribute.value)) {
      a->set_type(pb::AttributeProto_AttributeType_INT);
      a->set_i(*i);
    } else {
      a->set_type(pb::AttributeProto_AttributeType_FLOAT);
      a->set_f(std::get<float>(attribute.value));
    }
  }
}

}  // namespace

bool onnx_available() { return true; }

std::string onnx_model_bytes(const InferenceGraph& graph) {
  pb::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("fulcrum");
  model.set_producer_version(FULCRUM_VERSION);
  model.set_doc_string(graph.description);
  pb::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);
  for (const auto& [key, value] : graph.metadata) {
    pb::StringStringEntryProto* entry = model.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
  }
  pb::GraphProto& proto = *model.mutable_graph();
  proto.set_name("fulcrum");
  set_batch_type(*proto.add_input(), kInputName, graph.input_width);
  for (const GraphConstant& constant : graph.constants) add_constant(proto, constant);
  for (const GraphNode& node : graph.nodes) add_node(proto, node);
  for (const GraphOutput& output : graph.outputs)
    set_batch_type(*proto.add_output(), output.name, output.width);
  std::string bytes;
  FULCRUM_CHECK(model.SerializeToString(&bytes),
                "ONNX export: protobuf could not serialise the model (over 2 GB?)");
  return bytes;
}

}  // namespace fulcrum::onnx
