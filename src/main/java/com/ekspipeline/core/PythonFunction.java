package com.ekspipeline.core;

import software.amazon.awscdk.SymlinkFollowMode;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.s3.assets.AssetOptions;
import software.constructs.Construct;

import java.util.List;

/**
 * The recipe every Lambda function of the app follows: Python code from {@code lambda/<directory>} with
 * no third-party packages (so synth needs no build step), on the newest Python runtime in aws-cdk-lib, on
 * Graviton (cheaper per millisecond), with its tests and caches left out of the asset.
 */
public final class PythonFunction {

    private PythonFunction() {
    }

    /**
     * A builder with runtime, architecture, code, handler and memory set; the caller adds the role,
     * timeout, log group and whatever else the function needs.
     *
     * @param directory the folder under {@code lambda/}
     * @param handler   {@code module.function}
     */
    public static Function.Builder builder(final Construct scope, final String id, final String directory,
                                           final String handler) {
        return Function.Builder.create(scope, id)
                .runtime(Runtime.PYTHON_3_14)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                // Links are followed: lambda/shared modules reach each function that links to them.
                .code(Code.fromAsset("lambda/" + directory, AssetOptions.builder()
                        .exclude(List.of("test_*.py", "__pycache__"))
                        .followSymlinks(SymlinkFollowMode.ALWAYS)
                        .build()))
                .memorySize(128);
    }
}
