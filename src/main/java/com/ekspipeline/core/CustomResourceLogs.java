package com.ekspipeline.core;

import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.IResolvable;
import software.amazon.awscdk.Reference;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tokenization;
import software.amazon.awscdk.customresources.Provider;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.jsii.Kernel;
import software.amazon.jsii.NativeType;
import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A custom resource outlives nothing that its functions log to: each one depends on the log group of every
 * function that serves it, directly or through CDK's provider framework (whose onEvent function invokes
 * the handler it names), so CloudFormation deletes those groups only after the custom resource's Delete
 * has run. And each serving function's role is denied {@code logs:CreateLogGroup}, with the deny deleted
 * after the group: Lambda delivers a function's logs asynchronously, and a late delivery after the group
 * is gone would otherwise create {@code /aws/lambda/<function>} again, with no retention and outside any
 * stack (https://github.com/aws/aws-cdk/issues/31487; the deny is the workaround given in
 * https://github.com/aws/aws-cdk/issues/11549). The groups exist before any invocation, so the deny takes
 * nothing a function needs.
 */
final class CustomResourceLogs {

    private final Function<CfnResource, CfnResource> groupOf;
    /**
     * For each function a service token names, every function serving through it: one provider serves many
     * custom resources (the kubectl provider, each manifest and chart), so it is read once. By identity, as
     * jsii keeps one Java object per construct.
     */
    private final Map<CfnResource, Set<CfnResource>> servedThrough = new IdentityHashMap<>();
    /** The functions whose role's deny is already made and ordered after their group. */
    private final Set<CfnResource> denied = Collections.newSetFromMap(new IdentityHashMap<>());

    /** {@code groupOf}: the log group a function writes to (found or made), or null if the app defines none. */
    CustomResourceLogs(final Function<CfnResource, CfnResource> groupOf) {
        this.groupOf = groupOf;
    }

    /** Whether a resource of that CloudFormation type is a custom resource. */
    static boolean isCustomResource(final String type) {
        return type.startsWith("Custom::") || "AWS::CloudFormation::CustomResource".equals(type);
    }

    /**
     * Orders {@code customResource} before the groups of the functions serving it, and denies those functions'
     * roles the creation of a group.
     */
    void wire(final CfnResource customResource) {
        final Stack stack = Stack.of(customResource);
        for (final CfnResource function : servingFunctions(customResource)) {
            final CfnResource group = groupOf.apply(function);
            if (group == null) {
                continue;
            }
            if (denied.add(function)) {
                role(function).map(NoLogGroupCreation::forRole).ifPresent(group::addDependency);
            }
            // A provider in another stack outlives this whole stack: CloudFormation deletes stacks in turn.
            if (Stack.of(function) == stack) {
                customResource.addDependency(group);
            }
        }
    }

    /** The function its service token names and, for the provider framework, every function of that provider. */
    private Set<CfnResource> servingFunctions(final CfnResource customResource) {
        final Map<String, Object> properties = properties(customResource);
        final Object token = properties.getOrDefault("ServiceToken", properties.get("serviceToken"));
        return target(token).filter(CustomResourceLogs::isFunction)
                .map(function -> servedThrough.computeIfAbsent(function, CustomResourceLogs::servingThrough))
                .orElse(Set.of());
    }

    private static Set<CfnResource> servingThrough(final CfnResource function) {
        final Set<CfnResource> functions = new LinkedHashSet<>();
        functions.add(function);
        provider(function).ifPresent(provider -> {
            provider.getNode().findAll().stream().filter(c -> c instanceof CfnResource r && isFunction(r))
                    .forEach(c -> functions.add((CfnResource) c));
            for (final IFunction handler : new IFunction[] {provider.getOnEventHandler(), provider.getIsCompleteHandler()}) {
                if (handler != null && handler.getNode().getDefaultChild() instanceof CfnResource cfn) {
                    functions.add(cfn);
                }
            }
        });
        return functions;
    }

    /** The role a function runs as, when it is defined in this app. */
    static Optional<CfnResource> role(final CfnResource function) {
        final Object role = function instanceof CfnFunction cfn ? cfn.getRole() : properties(function).get("Role");
        return target(role).filter(r -> "AWS::IAM::Role".equals(CfnTypes.of(r)));
    }

    private static boolean isFunction(final CfnResource resource) {
        return "AWS::Lambda::Function".equals(CfnTypes.of(resource));
    }

    private static Optional<Provider> provider(final IConstruct function) {
        final List<IConstruct> scopes = new ArrayList<>(function.getNode().getScopes());
        return scopes.stream().filter(Provider.class::isInstance).map(Provider.class::cast).findFirst();
    }

    /** The resource a token refers to ({@code Ref}, {@code Fn::GetAtt}), if it is one of this app's. */
    static Optional<CfnResource> target(final Object token) {
        if (token == null || !Tokenization.isResolvable(token) && !(token instanceof String)) {
            return Optional.empty();
        }
        final IResolvable reversed = Tokenization.reverse(token);
        if (reversed != null && Reference.isReference(reversed)
                && ((Reference) reversed).getTarget() instanceof CfnResource resource) {
            return Optional.of(resource);
        }
        return Optional.empty();
    }

    /**
     * A resource's properties as given, tokens unresolved. CfnResource keeps them in a protected member and
     * a custom resource has no typed getter for its service token; the jsii kernel reads that member
     * exactly as the generated protected getter does.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(final CfnResource resource) {
        final Object value = Kernel.get(resource, "cfnProperties", NativeType.mapOf(NativeType.forClass(Object.class)));
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
