#pragma once
// Writing an InferenceGraph as an ONNX model file (opset 13), which ONNX
// Runtime and other ONNX tools run.

#include <filesystem>
#include <string>

#include "fulcrum/onnx/export_model.hpp"
#include "fulcrum/onnx/inference_graph.hpp"

namespace fulcrum::onnx {

/// Whether this build of fulcrum can write ONNX files (it was built with
/// Debian's libonnx-dev and libprotobuf-dev). Without them, the functions
/// below throw an Error that says so.
bool onnx_available();

/// The serialised ONNX ModelProto of `graph` (IR version 7, opset 13, the
/// batch dimension named `batch`).
std::string onnx_model_bytes(const InferenceGraph& graph);

/// Writes `graph` to `file` as ONNX. The file appears whole or not at all (it
/// is written beside its final name, then renamed).
/// Throws Error naming the path when its directory does not exist or it
/// cannot be written.
void write_onnx(const InferenceGraph& graph, const std::filesystem::path& file);

/// Loads `checkpoint` (a run's best.safetensors or last.safetensors) and
/// writes its model as ONNX to `file`: what `fulcrum export` does.
/// Throws what train::Predictor::load, build_inference_graph and write_onnx
/// throw.
void export_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& file,
                       const ExportOptions& options = {});

}  // namespace fulcrum::onnx
