# Embeds a text file in the program: writes OUTPUT, a C++ source that defines
#   std::string_view FUNCTION()   (declared in HEADER)
# returning INPUT's bytes exactly. Run as a build step (cmake -P), so editing
# INPUT rebuilds the program and the binary never reads INPUT at run time.
#
#   cmake -DINPUT=file -DOUTPUT=file.cc -DHEADER=dir/x.h -DFUNCTION=ns::Name -P EmbedText.cmake
foreach(required INPUT OUTPUT HEADER FUNCTION)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "EmbedText.cmake: -D${required}=... is required")
  endif()
endforeach()

file(READ "${INPUT}" hex HEX)
# Bytes as unsigned char literals, so any byte (UTF-8 included) is exact.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Line breaks every 24 bytes keep the generated file readable.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n    " bytes "${bytes}")
file(RELATIVE_PATH source_name "${CMAKE_CURRENT_LIST_DIR}/.." "${INPUT}")

set(text "// Generated from ${source_name} by cmake/EmbedText.cmake: do not edit.
#include \"${HEADER}\"

namespace {
const unsigned char kEmbeddedText[] = {
    ${bytes}};
}  // namespace

std::string_view ${FUNCTION}() {
  return std::string_view(reinterpret_cast<const char*>(kEmbeddedText), sizeof kEmbeddedText);
}
")
# Written only when it changes, so an unchanged input does not relink.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
  if(previous STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${text}")
