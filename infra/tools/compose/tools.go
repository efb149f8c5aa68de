//go:build tools

// Package tools pins the Docker Compose CLI used by scripts/validate-deploy.sh
// (`docker compose config`) when no compose plugin is installed.
package tools

import _ "github.com/docker/compose/v2/cmd"
