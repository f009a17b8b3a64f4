/**
 * Linear baselines on frozen features, written to match scikit-learn on the same features: L2-regularised logistic
 * regression (one-vs-rest or multinomial) with the regularisation strength chosen by k-fold cross-validation
 * ({@link dev.graft.metrics.linear.LogisticRegression}, like {@code StandardScaler} + {@code LogisticRegressionCV}),
 * and ridge regression with the penalty chosen by exact leave-one-out ({@link dev.graft.metrics.linear.RidgeRegression},
 * like {@code RidgeCV}). Plain Java over arrays; features are standardised first.
 */
package dev.graft.metrics.linear;
