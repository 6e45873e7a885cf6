// libsvm-js ships no types; src/estimators/svc.ts describes the part it uses.
declare module "libsvm-js";
