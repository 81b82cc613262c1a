#pragma once
// `fulcrum export`: a checkpoint's model as an ONNX file.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "fulcrum/onnx/export_model.hpp"

namespace fulcrum::cli {

struct ExportCommandOptions {
  std::string checkpoint;
  std::string output;
  std::vector<onnx::OnnxOutput> outputs = {onnx::OnnxOutput::Logits};
  bool quiet = false;
};

/// Adds the `export` subcommand to `app`, filling `options` when parsed.
CLI::App* add_export_command(CLI::App& app, ExportCommandOptions& options);

/// `fulcrum export`: writes the ONNX file and logs its input and outputs.
int run_export(const ExportCommandOptions& options);

}  // namespace fulcrum::cli
