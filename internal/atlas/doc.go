// Package atlas is mlsec's offline copy of the MITRE ATLAS catalog: tactics,
// techniques (with sub-techniques) and mitigations, with their IDs, names,
// URLs and relations, and the project's own mapping of each technique to the
// MLOps phases.
//
// The facts come from the legacy ATLAS.yaml published by mitre-atlas/atlas-data
// (Apache-2.0, see ATTRIBUTION.md). The generator in ./gen turns that file into
// catalog.json, which is embedded so that mlsec needs no network and no data
// file at run time; Default returns it. Load reads a newer ATLAS.yaml given by
// the user instead. No description text is copied: mlsec explains techniques in
// its own words elsewhere.
//
// Which MLOps phases a technique belongs to is not ATLAS data but the
// project's judgement, kept in phases.txt, one line a technique.
package atlas

// ATLAS_YAML names the ATLAS.yaml to read (MITRE's atlas-data release).
//go:generate go run ./gen -in $ATLAS_YAML -out catalog.json
