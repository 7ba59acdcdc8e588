package com.ekspipeline.support;

import com.ekspipeline.Deployment;
import com.ekspipeline.config.AppConfig;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Synths shared by every test class in the run (Surefire runs them in one JVM): the default app, and the
 * app with every optional part on for the whole-app checks (IAM hygiene, teardown). Building an app
 * costs a second or more of jsii calls; the tests only read what it made.
 */
public final class Synths {

    private static Deployment defaults;
    private static Map<String, Map<String, Map<String, Object>>> everythingOn;
    private static Map<String, Map<String, Object>> everythingOnTemplates;

    private Synths() {
    }

    /** The app as cdk.json configures it. */
    public static synchronized Deployment defaults() {
        if (defaults == null) {
            defaults = TestContext.defaults().deploy();
        }
        return defaults;
    }

    /** The configuration the default app is built from. */
    public static AppConfig defaultConfig() {
        return TestContext.defaults().load();
    }

    /** Each stack's resources, by stack ID, of the app with every optional part on. */
    @SuppressWarnings("unchecked")
    public static synchronized Map<String, Map<String, Map<String, Object>>> everythingOn() {
        if (everythingOn == null) {
            final Map<String, Map<String, Object>> templates = new LinkedHashMap<>();
            final Map<String, Map<String, Map<String, Object>>> stacks = new LinkedHashMap<>();
            for (final Stack stack : TestContext.everythingOn().deploy().stacks()) {
                final Map<String, Object> template = Template.fromStack(stack).toJSON();
                templates.put(stack.getStackName(), template);
                stacks.put(stack.getNode().getId(), (Map<String, Map<String, Object>>) template.get("Resources"));
            }
            everythingOnTemplates = Collections.unmodifiableMap(templates);
            everythingOn = Collections.unmodifiableMap(stacks);
        }
        return everythingOn;
    }

    /** Each stack's whole template (outputs too), by stack name, of the app with every optional part on. */
    public static synchronized Map<String, Map<String, Object>> everythingOnTemplates() {
        everythingOn();
        return everythingOnTemplates;
    }
}
