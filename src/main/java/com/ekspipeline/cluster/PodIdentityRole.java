package com.ekspipeline.cluster;

import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.SessionTagsPrincipal;
import software.constructs.Construct;

/**
 * An IAM role that pods of one Kubernetes service account assume through EKS Pod Identity, and the
 * association that binds them. Pod Identity needs no OIDC provider and no role-name annotations.
 */
public final class PodIdentityRole extends Construct {

    private final Role role;

    public PodIdentityRole(final Construct scope, final String id, final ICluster cluster, final String namespace,
                           final String serviceAccount) {
        super(scope, id);
        this.role = Role.Builder.create(this, "Role")
                // Pod Identity passes session tags, so the trust policy must allow sts:TagSession too.
                .assumedBy(new SessionTagsPrincipal(new ServicePrincipal("pods.eks.amazonaws.com")))
                .description("Pod Identity role of " + namespace + "/" + serviceAccount)
                .build();
        CfnPodIdentityAssociation.Builder.create(this, "Association")
                .clusterName(cluster.getClusterName())
                .namespace(namespace)
                .serviceAccount(serviceAccount)
                .roleArn(role.getRoleArn())
                .build();
    }

    public Role getRole() {
        return role;
    }
}
