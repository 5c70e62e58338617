# Compiles the files of plugin/web/ into the plugin library (plugin/web/web_assets.h)
# with cmake/EmbedText.cmake, so `lrs` serves its pages from any working
# directory with no file beside it. Included by plugin/CMakeLists.txt after
# add_library(plugin); editing a file here rebuilds the program.
#
# Apache ECharts (the dashboard's charts) comes from npm: plugin/web/package.json,
# installed by `make setup` (scripts/setup.sh: npm ci) into plugin/web/node_modules.
# It is compiled in like the rest, so /dashboard loads nothing from elsewhere.
set(lrs_echarts_js ${CMAKE_CURRENT_LIST_DIR}/node_modules/echarts/dist/echarts.min.js)
if(NOT EXISTS ${lrs_echarts_js})
  message(FATAL_ERROR
    "plugin/web/node_modules/echarts/dist/echarts.min.js is missing: run `make setup` "
    "(scripts/setup.sh installs the dashboard's web assets with npm ci from "
    "plugin/web/package-lock.json), then configure again")
endif()

foreach(asset IN ITEMS "pages.css|PagesCss" "me.html|LearnerPageHtml" "me.js|LearnerPageScript"
                       "dashboard.html|DashboardPageHtml" "dashboard.js|DashboardPageScript"
                       "dashboard.css|DashboardCss"
                       "node_modules/echarts/dist/echarts.min.js|EchartsScript")
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
