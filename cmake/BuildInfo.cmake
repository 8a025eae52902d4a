# What the report and `maskbench info` say about the build: compiler, flags and
# commit. The commit is read at configure time; run_all.sh reconfigures every run.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE MASKBENCH_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _mb_git_rc)
if(NOT _mb_git_rc EQUAL 0 OR MASKBENCH_GIT_COMMIT STREQUAL "")
  set(MASKBENCH_GIT_COMMIT "unknown")
endif()
# The committer date orders a result history by commit (maskbench history);
# "unknown" outside a git checkout.
execute_process(COMMAND git log -1 --format=%cI
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE MASKBENCH_GIT_COMMIT_DATE
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _mb_git_rc)
if(NOT _mb_git_rc EQUAL 0 OR MASKBENCH_GIT_COMMIT_DATE STREQUAL "")
  set(MASKBENCH_GIT_COMMIT_DATE "unknown")
endif()
execute_process(COMMAND git status --porcelain --untracked-files=no
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE _mb_dirty ERROR_QUIET)
if(NOT _mb_dirty STREQUAL "")
  string(APPEND MASKBENCH_GIT_COMMIT "-dirty")
endif()
string(TOUPPER "${CMAKE_BUILD_TYPE}" _mb_bt)
set(MASKBENCH_BASE_FLAGS "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_mb_bt}} -ffp-contract=off")
string(STRIP "${MASKBENCH_BASE_FLAGS}" MASKBENCH_BASE_FLAGS)
