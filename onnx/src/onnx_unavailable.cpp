// A fulcrum built without ONNX's protobuf classes (Debian's libonnx-dev and
// libprotobuf-dev were not found when it was configured) cannot write ONNX
// files; everything else about an export still works.

#include "fulcrum/core/error.hpp"
#include "fulcrum/onnx/onnx_file.hpp"

namespace fulcrum::onnx {

bool onnx_available() { return false; }

std::string onnx_model_bytes(const InferenceGraph&) {
  throw Error(
      "ONNX export is disabled in this build of fulcrum: install libonnx-dev and libprotobuf-dev "
      "(scripts/setup.sh does), then configure and build again");
}

}  // namespace fulcrum::onnx
