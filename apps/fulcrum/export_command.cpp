#include "export_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <map>

#include "exit_codes.hpp"
#include "fulcrum/onnx/inference_graph.hpp"
#include "fulcrum/onnx/onnx_file.hpp"
#include "fulcrum/train/predictor.hpp"

namespace fulcrum::cli {

CLI::App* add_export_command(CLI::App& app, ExportCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "export",
      "Write a checkpoint's model as an ONNX file: input 'features' [batch, F] of raw features "
      "(the standardisation is in the graph), outputs HEAD.logits / HEAD.probabilities / "
      "HEAD.recalibrated");
  command
      ->add_option("--checkpoint", options.checkpoint,
                   "Model file, e.g. runs/NAME/best.safetensors")
      ->required();
  command->add_option("--output", options.output, "ONNX file to write, e.g. model.onnx")
      ->required();
  std::map<std::string, onnx::OnnxOutput> names;
  for (const Named<onnx::OnnxOutput>& row : names_table<onnx::OnnxOutput>())
    names.emplace(row.name, row.value);
  command
      ->add_option("--outputs", options.outputs,
                   "Outputs per head, comma-separated: logits (raw), probabilities "
                   "(sigmoid/softmax, as predict --raw), recalibrated (pos_weight / class weights "
                   "undone, as predict)")
      ->delimiter(',')
      ->transform(CLI::CheckedTransformer(names))
      ->default_str("logits");
  command->add_flag("-q,--quiet", options.quiet, "Only warnings");
  return command;
}

int run_export(const ExportCommandOptions& options) {
  const train::Predictor predictor = train::Predictor::load(options.checkpoint);
  const onnx::ExportOptions export_options{.outputs = options.outputs};
  const onnx::InferenceGraph graph =
      onnx::build_inference_graph(onnx::export_model_of(predictor), export_options);
  onnx::write_onnx(graph, options.output);
  std::vector<std::string> outputs;
  for (const onnx::GraphOutput& output : graph.outputs)
    outputs.push_back(fmt::format("{} [batch, {}]", output.name, output.width));
  spdlog::info("wrote {}: input {} [batch, {}]{}; outputs {}", options.output, onnx::kInputName,
               graph.input_width,
               predictor.imputer().fitted() ? " (NaN: missing, filled as predict fills '?')" : "",
               fmt::join(outputs, ", "));
  return kExitOk;
}

}  // namespace fulcrum::cli
