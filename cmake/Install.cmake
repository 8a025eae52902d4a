# `cmake --install`: the kernel library and the io library with their public
# headers, as the CMake package `maskbench` (find_package(maskbench) gives
# maskbench::kernels and maskbench::io) and as the pkg-config module
# `maskbench`. The suite's own binaries are not installed.
include(CMakePackageConfigHelpers)
set(MB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/maskbench)

install(TARGETS maskbench_kernels maskbench_io EXPORT maskbenchTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kernels/include/maskbench ${PROJECT_SOURCE_DIR}/io/include/maskbench
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT maskbenchTargets NAMESPACE maskbench:: DESTINATION ${MB_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/maskbenchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/maskbenchConfig.cmake INSTALL_DESTINATION ${MB_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/maskbenchConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/maskbenchConfig.cmake ${PROJECT_BINARY_DIR}/maskbenchConfigVersion.cmake
  DESTINATION ${MB_CMAKE_DIR})

# The .pc file finds the prefix from its own place, so that an install with
# `cmake --install --prefix DIR` is found where it lands.
file(RELATIVE_PATH MB_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" MB_PC_TO_PREFIX "${MB_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/maskbench.pc.in ${PROJECT_BINARY_DIR}/maskbench.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/maskbench.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
