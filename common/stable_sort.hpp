#pragma once
// std::stable_sort's order without its temporary buffer: libstdc++ 12's
// get_temporary_buffer is deprecated under clang 19, which warns on every
// use. Positions are sorted with the original position as the tie-break,
// then the elements are moved into that order. `less` must be a strict weak
// order (for std::sort as for std::stable_sort).
#include <algorithm>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

namespace maskbench {

template <class T, class Less>
void stable_sort_by(std::vector<T>& v, Less less) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (less(v[a], v[b])) return true;
    if (less(v[b], v[a])) return false;
    return a < b;
  });
  std::vector<T> sorted;
  sorted.reserve(v.size());
  for (std::size_t i : order) sorted.push_back(std::move(v[i]));
  v = std::move(sorted);
}

}  // namespace maskbench
