#pragma once
// The JSON Schema of the data manifest (manifests/manifest.schema.json),
// compiled into the program by a build step (cmake/EmbedText.cmake), so a
// manifest is validated by the same schema whatever the working directory
// and however the program was installed. Editing the schema file rebuilds it.

#include <string_view>

namespace lrs::plugin {

// The schema file's bytes, exactly. Static storage; thread-safe.
std::string_view ManifestSchemaText();

}  // namespace lrs::plugin
