#pragma once
// A critical-difference diagram (Demsar, JMLR 7, 2006, figures 1 and 2): the
// methods' average ranks on an axis from 1 (best, left) to k, each method's
// name beside its rank, a bar of length CD for scale, and a thick line under
// each group of methods whose ranks differ by less than CD (nemenyi_groups),
// i.e. that the Nemenyi test does not tell apart.

#include <string>
#include <vector>

namespace fulcrum::experiment {

/// Represents: what the diagram shows.
/// Requires: methods and average_ranks of the same size >= 2, ranks in
/// [1, k], critical_difference > 0.
struct CriticalDifferenceDiagram {
  std::string title;
  std::vector<std::string> methods;
  std::vector<double> average_ranks;  ///< in the order of `methods`
  double critical_difference = 0;
  std::string caption;  ///< a line under the diagram, e.g. the test and N
};

/// The diagram as an SVG document (svg_document.hpp). Throws ValueError
/// naming the problem when `diagram` breaks its requirements.
std::string render_critical_difference_diagram(const CriticalDifferenceDiagram& diagram);

}  // namespace fulcrum::experiment
