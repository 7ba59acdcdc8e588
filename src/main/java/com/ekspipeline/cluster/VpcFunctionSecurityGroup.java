package com.ekspipeline.cluster;

import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * A security group of its own for a Lambda function in the app's VPC that calls the cluster's private
 * endpoint (the kubectl provider, off-hours, the leftover waiter), and the rule that lets it in.
 *
 * <p>Why not the cluster's security group, CDK's default: Lambda shares a Hyperplane network interface
 * between all functions with the same subnet and security group, and deletes it only when no function or
 * version uses the pair any more (https://repost.aws/knowledge-center/lambda-hyperplane-vpc), some time
 * after the delete. CloudFormation, deleting a function, waits for Lambda to delete its interfaces
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-vpcconfig.html).
 * With a group of the app's own, referenced by the function, CloudFormation deletes the function, waits
 * for its interfaces, and only then deletes the group, all within the function's stack. On EKS's cluster
 * group, which EKS deletes with the cluster and which the nodes share, the interfaces were tied to
 * something no stack sequences, and could outlive the cluster into the Network stack's delete.
 *
 * <p>The functions that use the group depend on its rule ({@link #reachEndpoint}), so the rule outlives
 * every call they make while the stack is deleted.
 */
final class VpcFunctionSecurityGroup {

    private VpcFunctionSecurityGroup() {
    }

    /** The group, with all outbound traffic allowed (the endpoint, and AWS's APIs through the NAT gateway). */
    static SecurityGroup create(final Construct scope, final String id, final IVpc vpc, final String description) {
        return SecurityGroup.Builder.create(scope, id).vpc(vpc).description(description).allowAllOutbound(true).build();
    }

    /**
     * HTTPS from {@code group} into the cluster's security group, which EKS puts on the private endpoint's
     * network interfaces; {@code users} are deleted before the rule.
     */
    static CfnSecurityGroupIngress reachEndpoint(final Construct scope, final String id, final SecurityGroup group,
                                                 final ICluster cluster, final IConstruct... users) {
        final CfnSecurityGroupIngress rule = CfnSecurityGroupIngress.Builder.create(scope, id)
                .groupId(cluster.getClusterSecurityGroupId())
                .sourceSecurityGroupId(group.getSecurityGroupId())
                .ipProtocol("tcp").fromPort(443).toPort(443)
                .description("HTTPS to the cluster private endpoint from " + group.getNode().getPath())
                .build();
        for (final IConstruct user : users) {
            user.getNode().addDependency(rule);
        }
        return rule;
    }
}
