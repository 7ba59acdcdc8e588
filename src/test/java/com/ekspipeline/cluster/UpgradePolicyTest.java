package com.ekspipeline.cluster;

import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.Map;

/**
 * The cluster's upgrade policy is always in the template: without one EKS applies EXTENDED, and a
 * version left past standard support is billed the extended-support price without anyone choosing it.
 */
class UpgradePolicyTest {

    @Test
    void byDefaultEksUpgradesTheClusterInsteadOfBillingExtendedSupport() {
        Template.fromStack(Synths.defaults().cluster()).hasResourceProperties("AWS::EKS::Cluster",
                Map.of("UpgradePolicy", Map.of("SupportType", "STANDARD")));
    }

    @Test
    void extendedSupportIsTheUsersChoice() {
        Template.fromStack(TestContext.defaults().with("extendedSupport", true).deploy().cluster())
                .hasResourceProperties("AWS::EKS::Cluster", Map.of("UpgradePolicy", Map.of("SupportType", "EXTENDED")));
    }
}
