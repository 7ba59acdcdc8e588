package com.ekspipeline.pipeline;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.core.AppStack;
import com.ekspipeline.core.Nag;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PrincipalWithConditions;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

import java.util.Map;

/**
 * In a stage's own account and region, what lets that stage's deploy in: a role that trusts only the
 * delivery account's deploy project of this stage, and an access entry that gives it the edit policy in the
 * stage's namespace only. The staging project can assume no production role and no production access
 * entry names it. It also holds what watches the stage's cluster from its own account ({@link StageWatch}):
 * with observability, the alarms the pipeline reads before production; with off-hours, the alarms on it.
 *
 * <p>The trust names the delivery account and the project role by ARN in a condition rather than as the
 * principal: IAM refuses a trust policy whose principal role does not exist yet ("Invalid principal in
 * policy"), and the pipeline stack, which holds that role, is deployed after this one. The condition key
 * is aws:PrincipalArn (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 */
public final class StageAccessStack extends AppStack {

    /** The role the stage's deploy project assumes. */
    private final Role role;

    /**
     * @param config  the stage's own configuration ({@link AppConfig#target})
     * @param stage   the stage's cluster, by names
     * @param cluster the stage's cluster, in this stack's environment
     */
    public StageAccessStack(final Construct scope, final String id, final AppConfig config, final StageCluster stage,
                            final ICluster cluster) {
        super(scope, id, config, "deploy-access", "The role and access entry the " + stage.stage().namespace()
                + " deploy of " + stage.appName() + " uses on cluster " + stage.clusterName());
        role = Role.Builder.create(this, "DeployRole")
                .roleName(stage.deployRoleName())
                .assumedBy(new PrincipalWithConditions(
                        new AccountPrincipal(stage.deliveryAccount().orElse(getAccount())),
                        Map.of("ArnEquals", Map.of("aws:PrincipalArn", stage.projectRoleArn(this)))))
                .description("Assumed only by " + stage.projectName() + " to deploy to the "
                        + stage.stage().namespace() + " namespace")
                .build();
        StageDeploys.clusterAccess(this, "DeployAccess", role, cluster, stage.stage());
        StageWatch.create(this, config, stage);
        Nag.suppress(role, "AwsSolutions-IAM5", "The deploy waits until its load balancer is active and a target "
                + "healthy: Elastic Load Balancing's Describe actions, which only read, take no resource (\"*\").",
                "Resource::*");
    }

    Role role() {
        return role;
    }
}
