/** Stage 6, report: what people read during and after a run: console progress and SQL over the metric tables. */
package org.drilldown.report;
