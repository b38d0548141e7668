/** Stage 1, data: the MNIST IDX files read and checked, turned into Spark DataFrames, and their statistics. */
package org.drilldown.data;
