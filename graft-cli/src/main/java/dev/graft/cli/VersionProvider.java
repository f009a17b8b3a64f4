package dev.graft.cli;

import dev.graft.artifact.Versions;
import picocli.CommandLine.IVersionProvider;

/** Prints Graft's version. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"graft " + Versions.graft()};
    }
}
