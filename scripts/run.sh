#!/usr/bin/env bash
# `make run`: creates the key file and a demo `lms` credential if none exist,
# prints how to reach the LRS, then serves it in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${LISTEN:-127.0.0.1:8080}
DATA=${DATA:-var/data}
DEMO=var/demo-credential.json   # outside the data directory, readable by root only

if [[ ! -s $DEMO ]]; then
  mkdir -p var && umask 077
  build/lrs credentials add --role lms --name demo --data "$DATA" --json > "$DEMO.tmp"
  mv "$DEMO.tmp" "$DEMO"
fi
KEY=$(sed -E 's/.*"key": "([^"]+)".*/\1/' "$DEMO")
# Each store has its own key file beside its data directory (keys/<name>.key);
# a store made before that keeps the keys/lrs.key it was made with.
KEYS_DIR="$(dirname "$DATA")/keys"
KEY_FILE="$KEYS_DIR/$(basename "$DATA").key"
if [[ ! -e $KEY_FILE && -e $KEYS_DIR/lrs.key && -e $DATA/keystore.db ]]; then
  KEY_FILE="$KEYS_DIR/lrs.key"
fi
SECRET=$(sed -E 's/.*"secret": "([^"]+)".*/\1/' "$DEMO")

cat <<INFO

  xAPI endpoint   http://$LISTEN/xapi/
  credential      key $KEY   secret $SECRET   (role lms; kept in $DEMO)
  data            $DATA    keys: $KEY_FILE

  try it:
    curl -u $KEY:$SECRET -H 'X-Experience-API-Version: 1.0.3' \\
         -H 'Content-Type: application/json' http://$LISTEN/xapi/statements \\
         -d '{"actor":{"mbox":"mailto:ada@example.org","name":"Ada"},
              "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
              "object":{"id":"http://example.org/courses/privacy-101"}}'
    curl -u $KEY:$SECRET -H 'X-Experience-API-Version: 1.0.3' http://$LISTEN/xapi/statements

  pages:
    privacy notice  http://$LISTEN/privacy   (the manifest as data: /privacy.json)
    learner page    http://$LISTEN/me#token=TOKEN, with a token the LMS gets from
    curl -u $KEY:$SECRET http://$LISTEN/privacy/tokens \\
         -d '{"agent":{"mbox":"mailto:ada@example.org"}}'

INFO
exec build/lrs serve --listen "$LISTEN" --data "$DATA"
