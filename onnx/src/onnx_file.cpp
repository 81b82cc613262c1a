#include "fulcrum/onnx/onnx_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "fulcrum/core/error.hpp"
#include "fulcrum/train/predictor.hpp"

namespace fulcrum::onnx {

namespace fs = std::filesystem;

void write_onnx(const InferenceGraph& graph, const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw Error(fmt::format("cannot write '{}': the directory '{}' does not exist", file.string(),
                            dir.string()));
  }
  if (fs::is_directory(file, error)) {
    throw Error(fmt::format("cannot write '{}': it is a directory", file.string()));
  }
  const std::string bytes = onnx_model_bytes(graph);
  // Beside the final name, so that the rename stays on one file system.
  const fs::path partial = file.string() + fmt::format(".partial.{}", ::getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      const std::string why = std::strerror(errno);
      fs::remove(partial, error);
      throw Error(fmt::format("cannot write '{}': {}", file.string(), why));
    }
  }
  fs::rename(partial, file, error);
  if (error) {
    const std::string why = error.message();
    fs::remove(partial, error);
    throw Error(fmt::format("cannot write '{}': {}", file.string(), why));
  }
}

void export_checkpoint(const fs::path& checkpoint, const fs::path& file,
                       const ExportOptions& options) {
  const train::Predictor predictor = train::Predictor::load(checkpoint);
  write_onnx(build_inference_graph(export_model_of(predictor), options), file);
}

}  // namespace fulcrum::onnx
