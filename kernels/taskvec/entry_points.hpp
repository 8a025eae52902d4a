#pragma once
// The family table of a task-vector implementation, the same in each:
// included inside the implementation's namespace (MB_NS, anonymous) once it
// has defined tv_dot, tv_norm2, sum_depth and the element-type templates
// gram, ties_histogram, ties_sign_sum and ties_merge; the source then
// exports kTable with MB_EXPORT_FAMILY(taskvec, kTable).

template <class T>
constexpr maskbench::TaskvecTyped<T> typed() {
  return {gram<T>, ties_histogram<T>, ties_sign_sum<T>, ties_merge<T>};
}

constexpr maskbench::TaskvecKernels kTable{tv_dot, tv_norm2, sum_depth, typed<float>(), typed<maskbench::Bf16>(),
                                           typed<maskbench::F16>()};
