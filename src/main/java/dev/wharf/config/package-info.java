/**
 * The configuration as typed records ({@link dev.wharf.config.WharfConfig}), loaded in layers by
 * {@link dev.wharf.config.ConfigLoader}: the defaults inside the jar (a copy of {@code config/wharf.yaml}),
 * then the {@code --config} file, then {@code WHARF_<SECTION>_<SETTING>} environment variables. Unknown keys
 * and misspelt variables are errors, not silently ignored. Every setting is documented in
 * docs/configuration.md.
 */
package dev.wharf.config;
