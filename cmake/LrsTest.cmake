find_package(Boost REQUIRED COMPONENTS unit_test_framework)

# lrs_add_test(NAME SOURCES... LIBS lib... [LABELS label...])
# One Boost.Test executable per unit; registered with CTest under its name.
function(lrs_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_definitions(${name} PRIVATE BOOST_TEST_DYN_LINK)
  target_link_libraries(${name} PRIVATE ${T_LIBS} Boost::unit_test_framework)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  add_test(NAME ${name} COMMAND ${name} --log_level=test_suite
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
