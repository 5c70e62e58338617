#pragma once
// The files of plugin/web/, compiled into the program by a build step
// (plugin/web/web_assets.cmake with cmake/EmbedText.cmake), so the pages never
// depend on the working directory. Each returns the file's bytes exactly;
// static storage, thread-safe.

#include <string_view>

namespace lrs::plugin::web {

std::string_view PagesCss();           // pages.css: the look of /privacy and /me
std::string_view LearnerPageHtml();    // me.html: /me, with {{css}} and {{script}} slots
std::string_view LearnerPageScript();  // me.js: the learner page's script

}  // namespace lrs::plugin::web
