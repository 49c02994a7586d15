export { listPublishablePackages, readManifest, PUBLISHED_GROUPS, type PackageManifest, type WorkspacePackage } from './workspace';
export { manifestTargets, binEntries, exportEntries, type ExportEntry } from './manifest-targets';
export { packPackage, type PackedPackage } from './pack';
export { installConsumer, npmInstall, peerVersions, exportedNames, type ModuleSystem } from './consumer';
export { exec, execOrThrow, cleanEnv, type ExecResult } from './exec';
export { importedPackages, packageOfSpecifier, undeclaredImports } from './imports';
export { withOurDependencies, folderBytes, largestPackages, workspaceVersion } from './subset';
