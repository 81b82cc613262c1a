#include "fulcrum/core/parallel.hpp"

#include <omp.h>

namespace fulcrum {

int num_threads() { return omp_get_max_threads(); }
void set_num_threads(int n) { omp_set_num_threads(n > 0 ? n : 1); }

}  // namespace fulcrum
