# The safetensors reader's fuzzer (safetensors_fuzz.cpp), included by
# CMakeLists.txt where libFuzzer is available. It compiles the reader and the
# input and output layers (io/) into itself, so that they carry the fuzzer's
# coverage instrumentation.
add_executable(maskbench-fuzz-safetensors safetensors_fuzz.cpp ${PROJECT_SOURCE_DIR}/io/safetensors.cpp
               ${PROJECT_SOURCE_DIR}/io/input.cpp ${PROJECT_SOURCE_DIR}/io/output.cpp)
target_compile_options(maskbench-fuzz-safetensors PRIVATE -fsanitize=fuzzer)
target_link_options(maskbench-fuzz-safetensors PRIVATE -fsanitize=fuzzer)
target_include_directories(maskbench-fuzz-safetensors PRIVATE ${PROJECT_SOURCE_DIR}/io ${PROJECT_SOURCE_DIR}/io/include
                           ${PROJECT_SOURCE_DIR}/kernels/include)
target_link_libraries(maskbench-fuzz-safetensors PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
add_test(NAME fuzz_safetensors
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/run_bounded.sh $<TARGET_FILE:maskbench-fuzz-safetensors> safetensors
          ${CMAKE_CURRENT_SOURCE_DIR}/corpus/safetensors ${CMAKE_CURRENT_BINARY_DIR}/found/safetensors
          ${MASKBENCH_FUZZ_SECONDS})
set_tests_properties(fuzz_safetensors PROPERTIES TIMEOUT 300 LABELS fuzz)
