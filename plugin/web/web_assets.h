#pragma once
// The files of plugin/web/, compiled into the program by a build step
// (plugin/web/web_assets.cmake with cmake/EmbedText.cmake), so the pages never
// depend on the working directory. Each returns the file's bytes exactly;
// static storage, thread-safe.

#include <string_view>

namespace lrs::plugin::web {

std::string_view PagesCss();           // pages.css: the look of /privacy, /me and /dashboard
std::string_view LearnerPageHtml();    // me.html: /me, with {{css}} and {{script}} slots
std::string_view LearnerPageScript();  // me.js: the learner page's script

std::string_view DashboardPageHtml();    // dashboard.html: /dashboard (assets by URL, no slots)
std::string_view DashboardPageScript();  // dashboard.js: the analysts' dashboard
std::string_view DashboardCss();         // dashboard.css: what /dashboard adds to pages.css
// Apache ECharts' dist/echarts.min.js, from plugin/web/node_modules (npm echarts,
// pinned by plugin/web/package-lock.json).
std::string_view EchartsScript();

}  // namespace lrs::plugin::web
