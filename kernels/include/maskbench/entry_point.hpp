#pragma once
// A kernel's code, for the tools that look at it rather than call it
// (`maskbench disasm`): the address of an entry point and the benchmark that
// measures it, named as bench.json names its kernel, with the parameters
// that select this entry point ("compress_f32/variant:pdep-pext",
// "tv_gram/dtype:bf16"). Each family table lists its own in entry_points().
#include <string>
#include <vector>

namespace maskbench {

struct EntryPoint {
  std::string benchmark;
  const void* code;
};

template <class Fn>
EntryPoint entry(std::string benchmark, Fn* fn) {
  return {std::move(benchmark), reinterpret_cast<const void*>(fn)};
}

}  // namespace maskbench
