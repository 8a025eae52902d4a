#pragma once
// A read-bandwidth probe: the sum of a buffer, streamed once through
// independent accumulators at the widest vectors this CPU has (Highway's
// dynamic dispatch), doing nothing else. Its bytes/s is what any kernel that
// reads that many bytes can reach at that working-set size.
#include <cstddef>

namespace maskbench::bench::peers {

float highway_read_sum(const float* x, std::size_t n);
// The same bytes as `streams` (at most 16) contiguous parts read side by side,
// as a kernel walking that many matrix rows at once reads them.
float highway_read_sum_streams(const float* x, std::size_t n, std::size_t streams);

}  // namespace maskbench::bench::peers
