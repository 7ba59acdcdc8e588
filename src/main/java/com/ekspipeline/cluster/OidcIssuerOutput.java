package com.ekspipeline.cluster;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.eks_v2.AlbController;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ServiceAccount;
import software.constructs.IConstruct;

import java.util.List;
import java.util.Map;

/**
 * The cluster's OIDC issuer as an output of the Cluster stack of its own, for the load balancer controller's
 * IRSA trust conditions in the Nodes stack.
 *
 * <p>CDK derives the issuer from the provider's ARN where it is used: {@code Fn::Select} of
 * {@code Fn::Split(":oidc-provider/", arn)}. Across stacks the ARN arrives as {@code Fn::GetStackOutput},
 * which CloudFormation does not take inside {@code Fn::Split}: live tests of where it is accepted found
 * resource properties, {@code Fn::Join}, {@code Fn::If}, {@code Fn::Select}, then {@code Fn::Sub},
 * {@code Fn::Base64} and output values, not {@code Fn::Split} (aws-cloudformation/cfn-lint#4495 and #4519,
 * whose rule E1022 refuses it), and aws-cdk#37948 holds back its own {@code Fn::Split} of a stack output
 * because "CloudFormation doesn't support Fn::GetStackOutput as an argument to other intrinsic functions
 * in all regions yet". So the Cluster stack splits its own provider's ARN into this output, and the
 * controller's condition document joins the output itself: the same JSON once resolved.
 */
final class OidcIssuerOutput {

    static final String OUTPUT = "OidcIssuer";

    private OidcIssuerOutput() {
    }

    /** In the Cluster stack: the issuer (oidc.eks.REGION.amazonaws.com/id/ID), split where the ARN is local. */
    static void publish(final Stack clusterStack, final Cluster cluster) {
        CfnOutput.Builder.create(clusterStack, OUTPUT)
                .description("The cluster's OIDC issuer, which the Nodes stack's IRSA trust conditions name")
                .value(cluster.getOpenIdConnectProvider().getOpenIdConnectProviderIssuer())
                .build();
    }

    /** In the Nodes stack: the controller's trust conditions read the issuer output instead of splitting the ARN. */
    static void use(final AlbController controller, final Stack clusterStack) {
        final Map<String, Object> issuer = Map.of("Fn::GetStackOutput", Map.of("StackName",
                clusterStack.getStackName(), "OutputName", OUTPUT, "Region", clusterStack.getRegion()));
        for (final IConstruct child : controller.getNode().findAll()) {
            if (!(child instanceof ServiceAccount account)) {
                continue;
            }
            for (final IConstruct part : account.getNode().findAll()) {
                if (part instanceof CfnResource json && "Custom::AWSCDKCfnJson".equals(json.getCfnResourceType())) {
                    json.addPropertyOverride("Value", Map.of("Fn::Join", List.of("", List.of("{\"", issuer,
                            ":aud\":\"sts.amazonaws.com\",\"", issuer, ":sub\":\"system:serviceaccount:"
                                    + account.getServiceAccountNamespace() + ":" + account.getServiceAccountName()
                                    + "\"}"))));
                }
            }
        }
    }
}
