package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.constructs.IConstruct;

import java.util.List;
import java.util.Optional;

/** The deploy project of each stage, whatever cluster it deploys to. */
interface Deploys {

    PipelineProject project(Stage stage);

    /** What must exist before a deploy can run (access entries, ingress rules). */
    List<IConstruct> prerequisites();

    /** The alarms that keep a release out of production while one is in ALARM; empty: none. */
    default List<ProductionEntry.Watched> productionEntryAlarms() {
        return List.of();
    }

    /** The name the pipeline's role must have, for a role in another stack to trust it; empty: CDK's. */
    default Optional<String> pipelineRoleName() {
        return Optional.empty();
    }
}
