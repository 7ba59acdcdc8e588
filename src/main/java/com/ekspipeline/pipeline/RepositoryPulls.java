package com.ekspipeline.pipeline;

import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;

import java.util.List;

/**
 * The repository's policy for stages in other accounts: their nodes pull the image the delivery account
 * built, by digest, so production runs exactly what staging tested. ECR needs both sides for a pull from
 * another account: this resource policy naming the account, and an identity policy there (the nodes' role
 * carries AmazonEC2ContainerRegistryReadOnly) (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html).
 * The account, not a role, is named: the node roles' names are CloudFormation's, made in the stage's nodes
 * stack, and the account's own IAM decides which of its principals may use the grant.
 */
final class RepositoryPulls {

    /** What a kubelet does to pull an image. */
    static final List<String> PULL = List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer");

    private RepositoryPulls() {
    }

    static void allow(final IRepository images, final List<StageCluster> clusters) {
        final List<IPrincipal> accounts = clusters.stream().filter(StageCluster::crossAccount)
                .map(cluster -> cluster.account().orElseThrow()).distinct()
                .map(account -> (IPrincipal) new AccountPrincipal(account)).toList();
        if (accounts.isEmpty()) {
            return;
        }
        images.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("StageNodesPull")
                .principals(accounts)
                .actions(PULL)
                .build());
    }
}
