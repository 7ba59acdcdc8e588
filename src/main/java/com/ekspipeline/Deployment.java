package com.ekspipeline;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.network.NetworkStack;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Tags;

/**
 * The stacks of one deployment, wired together. The entry point and the tests both build the app here,
 * so what is tested is what is deployed.
 */
public record Deployment(NetworkStack network) {

    /** The tag every resource carries, valued with the app name; verify-destroyed searches by it. */
    public static final String APP_TAG = "app";

    public static Deployment create(final App app, final AppConfig config) {
        Tags.of(app).add(APP_TAG, config.appName());
        final NetworkStack network = new NetworkStack(app, "Network", config);
        return new Deployment(network);
    }
}
