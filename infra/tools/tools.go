//go:build tools

// Package tools pins the deployment checkers of scripts/validate-deploy.sh. The script first
// tries `go install module@version`; where the module proxy refuses the version list that
// command needs, it builds from this module instead (versions and hashes in go.mod/go.sum).
package tools

import (
	_ "github.com/yannh/kubeconform/cmd/kubeconform"
	_ "helm.sh/helm/v3/cmd/helm"
)
