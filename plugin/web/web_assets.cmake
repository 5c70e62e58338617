# Compiles the files of plugin/web/ into the plugin library (plugin/web/web_assets.h)
# with cmake/EmbedText.cmake, so `lrs` serves its pages from any working
# directory with no file beside it. Included by plugin/CMakeLists.txt after
# add_library(plugin); editing a file here rebuilds the program.
foreach(asset IN ITEMS "pages.css|PagesCss" "me.html|LearnerPageHtml" "me.js|LearnerPageScript")
  string(REPLACE "|" ";" asset "${asset}")
  list(GET asset 0 file)
  list(GET asset 1 function)
  set(input ${CMAKE_CURRENT_LIST_DIR}/${file})
  set(output ${CMAKE_CURRENT_BINARY_DIR}/web_${function}.cc)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output}
            -DHEADER=plugin/web/web_assets.h -DFUNCTION=lrs::plugin::web::${function}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedText.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/EmbedText.cmake
    COMMENT "Embedding plugin/web/${file}"
    VERBATIM)
  target_sources(plugin PRIVATE ${output})
endforeach()
