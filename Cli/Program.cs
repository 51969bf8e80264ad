// Placeholder entry point until the CLI lands; replaced by the raglab command tree.
return 0;
