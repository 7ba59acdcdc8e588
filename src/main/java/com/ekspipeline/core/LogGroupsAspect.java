package com.ekspipeline.core;

import com.ekspipeline.catalog.LogRetention;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every log group of the app keeps logs for the configured days and is deleted by {@code cdk destroy}.
 *
 * <p>That includes the groups of CDK's own Lambda functions. Most create their group in the template,
 * but the handlers of CDK's custom resource providers (VPC default security group, S3 auto-delete,
 * bucket notifications, CfnJson) would let Lambda create {@code /aws/lambda/<name>} on first run, with no
 * retention and outside any stack, so it would outlive the app. Those are pointed at a group of their own.
 *
 * <p>And every custom resource is deleted before the groups of the functions that serve it, whose roles may
 * not create a group ({@link CustomResourceLogs}), so that no late invocation or log delivery brings one back.
 */
public final class LogGroupsAspect implements IAspect {

    private static final String FUNCTION = "AWS::Lambda::Function";

    private final int days;
    /**
     * Each function's group, once found or made: a provider's functions serve many custom resources, and each
     * lookup is a round of calls to jsii's runtime. Keyed by identity (jsii keeps one Java object per construct).
     */
    private final Map<CfnResource, Optional<CfnResource>> groups = new IdentityHashMap<>();
    /** Each stack's log groups by logical ID, for the functions whose logging config names one. */
    private final Map<Stack, Map<Object, CfnResource>> logGroupsById = new IdentityHashMap<>();
    private final CustomResourceLogs customResources = new CustomResourceLogs(this::groupOf);

    public LogGroupsAspect(final int days) {
        this.days = days;
    }

    @Override
    public void visit(final IConstruct node) {
        if (node instanceof CfnLogGroup group) {
            group.setRetentionInDays(days);
        } else if (node instanceof CfnResource resource) {
            final String type = CfnTypes.of(resource);
            if (FUNCTION.equals(type)) {
                groupOf(resource);
            } else if (CustomResourceLogs.isCustomResource(type)) {
                customResources.wire(resource);
            }
        }
    }

    /**
     * The group a function logs to: the one its logging config names, the managed {@code LogGroup} CDK puts
     * beside a Function, or ours, made here the first time. Null for a group the app does not define.
     */
    private CfnResource groupOf(final CfnResource function) {
        final Optional<CfnResource> known = groups.get(function);
        if (known != null) {
            return known.orElse(null);
        }
        final CfnResource group = findOrMake(function);
        groups.put(function, Optional.ofNullable(group));
        return group;
    }

    private CfnResource findOrMake(final CfnResource function) {
        if (function instanceof CfnFunction cfn && cfn.getLoggingConfig() != null) {
            final Object config = Stack.of(cfn).resolve(cfn.getLoggingConfig());
            if (config instanceof Map<?, ?> map && (map.get("logGroup") != null || map.get("LogGroup") != null)) {
                final Object ref = map.get("logGroup") != null ? map.get("logGroup") : map.get("LogGroup");
                return ref instanceof Map<?, ?> named ? logGroup(Stack.of(cfn), named.get("Ref")) : null;
            }
        }
        final var siblings = function.getNode().getScope().getNode();
        // The second name keeps the aspect idempotent when the app is synthesized more than once.
        for (final String id : new String[] {"LogGroup", function.getNode().getId() + "LogGroup"}) {
            if (siblings.tryFindChild(id) instanceof ILogGroup existing) {
                return (CfnResource) existing.getNode().getDefaultChild();
            }
        }
        final LogGroup group = LogGroup.Builder.create((Construct) function.getNode().getScope(),
                        function.getNode().getId() + "LogGroup")
                .retention(LogRetention.of(days))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        function.addPropertyOverride("LoggingConfig.LogGroup", group.getLogGroupName());
        function.addDependency((CfnResource) group.getNode().getDefaultChild());
        return (CfnResource) group.getNode().getDefaultChild();
    }

    /**
     * The log group of {@code stack} with that logical ID, or null. The stack's groups are read once, and again
     * when one is not among them (a group added since).
     */
    private CfnResource logGroup(final Stack stack, final Object id) {
        if (id == null) {
            return null;
        }
        final Map<Object, CfnResource> known = logGroupsById.get(stack);
        if (known != null && known.containsKey(id)) {
            return known.get(id);
        }
        final Map<Object, CfnResource> read = new HashMap<>();
        stack.getNode().findAll().stream()
                .filter(c -> c instanceof CfnLogGroup r && Stack.of(r) == stack)
                .map(CfnResource.class::cast)
                .forEach(r -> read.putIfAbsent(stack.resolve(stack.getLogicalId(r)), r));
        logGroupsById.put(stack, read);
        return read.get(id);
    }
}
