package com.ekspipeline.cluster;

import com.ekspipeline.core.FunctionIdentity;
import com.ekspipeline.core.Nag;
import com.ekspipeline.core.PythonFunction;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The add-on versions to run, looked up at deploy time: {@code lambda/addon_versions} asks EKS
 * (DescribeAddonVersions) which version of each add-on it marks default for the cluster's Kubernetes
 * version in this region. Synth stays offline and every version is one AWS offers; the versions change
 * only when the Kubernetes version does, so raising it updates every add-on in the same deploy.
 */
final class AddonVersions extends Construct {

    static final String TYPE = "Custom::AddonVersions";

    private final CustomResource lookup;

    /** @param addonNames the add-ons whose versions are looked up, as EKS names them */
    AddonVersions(final Construct scope, final String id, final ClusterInfo info, final List<String> addonNames) {
        super(scope, id);
        final FunctionIdentity identity = FunctionIdentity.create(this, "Logs", "Role",
                "Looks up the default EKS add-on versions for " + info.name());
        final Role role = identity.role();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("eks:DescribeAddonVersions"))
                // DescribeAddonVersions defines no resource type: it takes "*" only.
                .resources(List.of("*"))
                .build());
        Nag.suppress(role, "AwsSolutions-IAM5", "eks:DescribeAddonVersions lists AWS's add-on catalogue and "
                + "defines no resource type, so IAM accepts only Resource \"*\"; it reads nothing of the account.",
                "Resource::*");
        final Function function = PythonFunction.builder(this, "Function", "addon_versions", "addon_versions.handler")
                .role(role)
                .description("Looks up the EKS add-on versions AWS marks default for " + info.name() + "'s version")
                .timeout(Duration.minutes(1))
                .logGroup(identity.logs())
                .build();
        lookup = CustomResource.Builder.create(this, "Lookup")
                .serviceToken(function.getFunctionArn())
                .resourceType(TYPE)
                .properties(Map.of("KubernetesVersion", info.version().version(), "AddonNames", addonNames))
                .build();
    }

    /** The version of {@code addonName} to run, known at deploy time. */
    String of(final String addonName) {
        return lookup.getAttString(addonName);
    }
}
