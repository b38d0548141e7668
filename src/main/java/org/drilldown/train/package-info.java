/**
 * Stage 4, training: each step's network trained with DL4J parameter averaging on Spark, evaluated every
 * epoch; results go to {@link org.drilldown.train.TrainingListener}s, never straight to tables or logs.
 */
package org.drilldown.train;
