package dev.graft.model;

import ai.onnxruntime.OrtEnvironment;

/** A process that starts ONNX Runtime, plainly or through {@link OrtTempDirectory}, and exits: for OrtTempDirectoryTest. */
public final class OrtTempDirectoryChild {

    private OrtTempDirectoryChild() {
    }

    public static void main(String[] args) {
        OrtEnvironment env = "plain".equals(args[0]) ? OrtEnvironment.getEnvironment() : OrtTempDirectory.environment();
        System.out.println("onnxruntime " + env.getVersion());
    }
}
