package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ObservabilityConfig;
import com.ekspipeline.config.StageTarget;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A stage's cluster as the delivery account's pipeline sees it: names and literals only. Stacks in
 * different environments cannot pass tokens to each other ("Cross stack references are only supported for
 * stacks deployed to the same environment", aws-cdk packages/aws-cdk-lib/core/lib/private/refs.ts), so
 * everything here comes from config or is a literal CDK computed at synth, checked to be one.
 *
 * @param stage             the stage deployed there
 * @param appName           the app's own name, which the delivery account's names start with
 * @param clusterName       the stage's EKS cluster
 * @param kubernetesVersion its minor; the deploy installs the kubectl of that minor
 * @param region            the region of the cluster
 * @param account           the stage's account; empty: the delivery account
 * @param deliveryAccount   the app's own account, where the pipeline is; empty: unknown, the same as the stage's
 * @param loadBalancerCidrs the stage VPC's public subnets, the only sources the service admits
 */
public record StageCluster(Stage stage, String appName, String clusterName, String kubernetesVersion, String region,
                           Optional<String> account, Optional<String> deliveryAccount,
                           List<String> loadBalancerCidrs) {

    public StageCluster {
        loadBalancerCidrs = List.copyOf(loadBalancerCidrs);
    }

    public static StageCluster of(final AppConfig app, final StageTarget target, final IVpc vpc) {
        final List<String> cidrs = vpc.getPublicSubnets().stream().map(ISubnet::getIpv4CidrBlock).toList();
        cidrs.stream().filter(Token::isUnresolved).findAny().ifPresent(token -> {
            throw new IllegalStateException("The " + target.stage() + " VPC's public ranges are not literals");
        });
        return new StageCluster(Stage.valueOf(target.stage().toUpperCase(Locale.ROOT)), app.appName(),
                target.cluster().clusterName(), target.cluster().kubernetesVersion().version(), target.region(),
                target.account(), app.account(), cidrs);
    }

    /** Whether the stage is in an account other than the pipeline's. */
    public boolean crossAccount() {
        return account.isPresent() && !account.equals(deliveryAccount);
    }

    /** The delivery account's deploy project of this stage, and the name of its role. */
    public String projectName() {
        return StageTarget.deployProjectName(appName, stage.namespace());
    }

    /** The role in the stage's account that only this stage's deploy project may assume. */
    public String deployRoleName() {
        return StageTarget.deployRoleName(appName, stage.namespace());
    }

    /** The deploy role's ARN, in {@code scope}'s partition; the stage's account or, without one, scope's. */
    public String deployRoleArn(final Stack scope) {
        return roleArn(scope, account.orElse(scope.getAccount()), deployRoleName());
    }

    /** The deploy project's role's ARN, in the delivery account (or scope's, when that is unknown). */
    public String projectRoleArn(final Stack scope) {
        return roleArn(scope, deliveryAccount.orElse(scope.getAccount()), projectName());
    }

    /** The stage's own name, which its stacks and the alarms in its account start with ({@code <app>-staging}). */
    public String stageName() {
        return StageTarget.name(appName, stage.namespace());
    }

    /**
     * The alarms on the stage's cluster, in its account, with observability on: its nodes' and its restarts'.
     * Staging's keep a release out of production while one is in ALARM.
     */
    public List<String> alarmNames() {
        final List<String> names = new ArrayList<>(ObservabilityConfig.nodeAlarmNames(stageName()));
        names.add(ObservabilityConfig.restartAlarmName(stageName(), stage.namespace()));
        return List.copyOf(names);
    }

    /** The role in the stage's account that the pipeline assumes to read those alarms. */
    public String alarmReaderRoleArn(final Stack scope) {
        return roleArn(scope, account.orElse(scope.getAccount()), StageTarget.alarmReaderRoleName(appName,
                stage.namespace()));
    }

    /** The pipeline's role, in the delivery account, as named with stages and observability. */
    public String pipelineRoleArn(final Stack scope) {
        return roleArn(scope, deliveryAccount.orElse(scope.getAccount()), StageTarget.pipelineRoleName(appName));
    }

    private static String roleArn(final Stack scope, final String account, final String name) {
        return "arn:" + scope.getPartition() + ":iam::" + account + ":role/" + name;
    }
}
