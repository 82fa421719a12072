#!/usr/bin/env bash
# `npm run check`: exactly what CI runs (the README's test command).
exec bash "$(dirname "$0")/test.sh"
