// Native libsvm backend of the SVC (svm.c): the system libsvm opened at run time.
#ifndef TRANSFERLAB_SVM_BACKEND_H
#define TRANSFERLAB_SVM_BACKEND_H
#include <node_api.h>

int svm_backend_load(void);             // 1 when libsvm.so.3 is open and matches the header built against
const char *svm_backend_error(void);    // why it is missing
const char *svm_backend_detail(void);   // what it is
napi_value svm_backend_train_js(napi_env env, napi_callback_info info);

#endif
